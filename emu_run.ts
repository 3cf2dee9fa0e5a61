import { startEmulator } from "./lib/testing/mod.ts";
const emu = await startEmulator({ port: 18765, smsCode: () => 424242 });
console.log(emu.cleuraUrl);
await new Promise(() => {});
