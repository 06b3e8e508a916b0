/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: {
    '^.+\\.(t|j)sx?$|^.+\\.mjs$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // ESM-only packages (the Kubernetes client and its dependencies, the markdown pipeline) are compiled to CommonJS too.
  transformIgnorePatterns: ['/node_modules/(?!(@kubernetes/client-node|openid-client|oauth4webapi|jose|js-yaml|jsonpath-plus|@jsep-plugin|jsep|rfc4648|socks-proxy-agent|agent-base|isomorphic-ws|unified|bail|devlop|is-plain-obj|trough|vfile|vfile-message|unist-.*|mdast-.*|micromark.*|decode-named-character-reference|character-entities.*|remark-.*|rehype-.*|hast-.*|hastscript|property-information|space-separated-tokens|comma-separated-tokens|html-void-elements|zwitch|longest-streak|ccount|markdown-table|escape-string-regexp|trim-lines|web-namespaces|stringify-entities|character-reference-invalid|is-alphanumerical|is-alphabetical|is-decimal|is-hexadecimal|parse-entities|html-url-attributes|@ungap|shiki|@shikijs|oniguruma-to-es|oniguruma-parser|regex|regex-recursion|regex-utilities|github-slugger|estree-util-.*)/)'],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/$1' },
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  testTimeout: 30000,
};
