#!/usr/bin/env node
// Entry point of the `kubelab` operator CLI: runs the TypeScript CLI through tsx.
const path = require('node:path');
require('tsx/cjs');
require(path.join(__dirname, 'cli', 'main.ts'));
