/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import { defineConfig } from 'vite'

// `base: './'` makes every asset URL relative, so the built site works from any
// static host and any sub-path (for example a project page at /vmascope/).
export default defineConfig({
  base: './',
  plugins: [react(), tailwindcss()],
  worker: { format: 'es' },
  // The code the first view needs in two chunks, the libraries and the app, instead of the
  // thirty-odd shared chunks Rolldown splits it into by default: each file is compressed on its
  // own, so many small files cost about 9 KB gzipped more than the same code in two. The chunks
  // loaded on demand (editor, export, share dialog, presentation mode) are not affected.
  build: {
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vendor', tags: ['$initial'], test: /node_modules/, priority: 1 },
            { name: 'app', tags: ['$initial'] },
          ],
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
  },
})
