// The example dApp's Vite configuration: `npm run app` serves it with the deployment in `VITE_LRT_CONFIG`.
export default {
  clearScreen: false,
  server: { host: "127.0.0.1", strictPort: true },
  logLevel: "warn",
};
