#!/usr/bin/env node
// The executable: the bundled CLI (`npm install` builds dist/ through the `prepare` script).
import '../dist/bin/cli.js';
