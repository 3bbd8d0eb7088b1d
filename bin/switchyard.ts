#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { quietBundlingBanners } from '../lib/bundling-output';
import { ConfigError, loadConfig } from '../lib/config/load';
import { buildSwitchyard } from '../lib/switchyard';

const app = new App();
quietBundlingBanners(app);
const env: string = app.node.tryGetContext('env') ?? 'dev';
try {
  // The deploy guard must run on every deploy, so it gets a value that changes each synth.
  buildSwitchyard(app, loadConfig(env), { deployNonce: new Date().toISOString() });
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
