#!/usr/bin/env node
"use strict";
// `npx key-age`: runs the TypeScript CLI through tsx (a devDependency), so there is no build step
// and the CLI always runs the handler code in this checkout.
require("tsx/cjs");
require("../cli/key-age.ts").main();
