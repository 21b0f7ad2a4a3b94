// Jest's defaults: CommonJS, no transform settings, no `--experimental-vm-modules` (the `.cjs` names are only
// because this repository's package.json says "type": "module"). `require('token-api-emulator')` loads the
// package's CommonJS build, its `require` export condition.
module.exports = {};
