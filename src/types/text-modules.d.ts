// wrangler's default module rules bundle `*.txt` imports as Text modules: the file's contents as a string.
declare module "*.txt" {
  const text: string;
  export default text;
}
