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
    // Only Electron's main process (src/main) and the preload run inside Electron: the engine, the
    // session, the browser host, the CLI, the tests and the benchmarks must run without it.
    files: ['**/*.{ts,tsx,mjs,js}'],
    ignores: ['src/main/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only src/main and src/preload run in Electron: everything else must run without it.' }], patterns: ['electron/*'] }]
    }
  },
  {
    // The renderer talks to the LabApi interface only, never to a transport or to Node.
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron', 'ws'], patterns: ['node:*', '**/main/**', '**/engine/**', '**/session/**', '**/web-host/**'] }]
    }
  }
)
