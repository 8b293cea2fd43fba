#!/usr/bin/env node
import { processIo, run } from './main.js';

run(process.argv.slice(2), processIo()).then((code) => (process.exitCode = code));
