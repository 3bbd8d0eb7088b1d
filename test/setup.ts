// Tests synthesize apps in-process; keep CDK from printing deprecation noise.
process.env.JSII_DEPRECATED = 'quiet';
// Handlers log through Powertools; keep test output to failures.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
// The SDK's warning that its 2027 releases need Node 22 would repeat in every test file (one
// process each); only that warning is turned off, by the SDK's own switch (=false brings it back).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import '../rehearsal/polyfill';
