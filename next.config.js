/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Server-only packages with native addons or dynamic requires stay out of the bundle.
  serverExternalPackages: ['node-pty', 'better-sqlite3', 'dockerode', 'ssh2', '@kubernetes/client-node', 'shiki'],
};

module.exports = nextConfig;
