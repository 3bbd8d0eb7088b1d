// Tests synthesize apps in-process; keep CDK from printing deprecation noise.
process.env.JSII_DEPRECATED = 'quiet';
// Handlers log through Powertools; keep test output to failures.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

import '../rehearsal/polyfill';
