export {
  formatMetricMath,
  isMetricMathKeyword,
  METRIC_MATH_FUNCTIONS,
  MetricMathError,
  metricMathIds,
  parseMetricMath,
} from './parse';
export type { BinaryOp, MathExpr } from './parse';
