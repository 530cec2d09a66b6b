import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly',
        performance: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', queueMicrotask: 'readonly',
        window: 'readonly', document: 'readonly', navigator: 'readonly', localStorage: 'readonly',
        requestAnimationFrame: 'readonly', cancelAnimationFrame: 'readonly', ResizeObserver: 'readonly', PerformanceObserver: 'readonly',
        WebSocket: 'readonly', Blob: 'readonly', atob: 'readonly', btoa: 'readonly', fetch: 'readonly',
        AbortController: 'readonly', __dirname: 'readonly', structuredClone: 'readonly'
      }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    // The `socklab` launcher is plain CommonJS so that it runs with no build step of its own.
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    // The engine runs in the CLI, the browser host and tests: it must never depend on Electron.
    files: ['src/main/lab/**', 'src/shared/**', 'src/cli/**', 'src/main/web/**', 'src/main/host/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine, the CLI and the browser host must run without Electron.' }], patterns: ['electron/*'] }]
    }
  },
  {
    // The renderer talks to the LabApi interface only, never to a transport or to Node.
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron', 'ws'], patterns: ['node:*', '**/main/**'] }]
    }
  }
)
