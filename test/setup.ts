// Tests synthesize apps in-process; keep CDK from printing deprecation noise.
process.env.JSII_DEPRECATED = 'quiet';
