import { drillSuite } from './drill-suite';

drillSuite('judge');
