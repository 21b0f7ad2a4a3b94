#!/usr/bin/env node
// The executable: the compiled CLI (`npm install` builds dist/ through the `prepare` script).
import '../dist/cli.js';
