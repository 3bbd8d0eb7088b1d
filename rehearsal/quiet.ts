// Imported first by the command line: the handlers' logger reads its level when it is created.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
// The SDK's notice that its 2027 releases need Node 22 says nothing about the rehearsal: off by the SDK's own switch,
// back with AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export {};
