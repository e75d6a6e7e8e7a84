import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Built into the server's wwwroot, served at /designer/. `npm run dev` proxies the API to a running server.
export default defineConfig({
  base: "/designer/",
  plugins: [react()],
  build: { outDir: "../ItsmWorkflows.Server/wwwroot/designer", emptyOutDir: true, sourcemap: false },
  server: { proxy: { "/api": "http://localhost:5080", "/account": "http://localhost:5080" } },
});
