import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["build.mjs"],
    languageOptions: { globals: { URL: "readonly" } },
  },
);
