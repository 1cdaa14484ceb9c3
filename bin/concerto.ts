#!/usr/bin/env node
// The compiled entry point (`node dist/bin/concerto.js`, the Docker image's): no tsx at run time.
import { main } from '../bot/cli.js';

process.exitCode = await main(process.argv.slice(2));
