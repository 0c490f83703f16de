#!/usr/bin/env node
import '../dist/proxy/cli/main.js';
