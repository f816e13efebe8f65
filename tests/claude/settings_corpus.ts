/** settings.json shapes seen in the wild, for the Claude switch and import tests. */

/** One settings.json text and what it holds. */
export interface SettingsCase {
  name: string;
  text: string;
  /** Claude Code already has a credential in this file. */
  hasCredential: boolean;
}

/** At least ten shapes: comments, trailing commas, CRLF, no final newline, BOM, tabs, nesting. */
export const SETTINGS_CORPUS: SettingsCase[] = [
  { name: "empty file", text: "", hasCredential: false },
  { name: "blank lines only", text: "\n\n", hasCredential: false },
  { name: "empty object without final newline", text: "{}", hasCredential: false },
  { name: "empty object", text: "{}\n", hasCredential: false },
  {
    name: "comments, no env",
    text: `{
  // my theme
  "theme": "dark", /* inline */
  "model": "sonnet"
}
`,
    hasCredential: false,
  },
  {
    name: "trailing commas",
    text: `{
  "env": {
    "DISABLE_TELEMETRY": "1",
  },
  "includeCoAuthoredBy": false,
}
`,
    hasCredential: false,
  },
  {
    name: "CRLF with other env keys",
    text:
      `{\r\n  "env": {\r\n    "BASH_DEFAULT_TIMEOUT_MS": "60000",\r\n    "ANTHROPIC_MODEL": "claude-sonnet"\r\n  }\r\n}\r\n`,
    hasCredential: false,
  },
  {
    name: "no final newline, env present",
    text: `{
  "env": {
    "ANTHROPIC_AUTH_TOKEN": "sk-test-token-1"
  }
}`,
    hasCredential: true,
  },
  {
    name: "existing base URL and API key",
    text: `{
  "env": {
    "ANTHROPIC_BASE_URL": "https://gateway.example.com/anthropic",
    "ANTHROPIC_API_KEY": "sk-test-key-2" // work key
  }
}
`,
    hasCredential: true,
  },
  {
    name: "env empty object",
    text: `{
  "env": {},
  "cleanupPeriodDays": 30
}
`,
    hasCredential: false,
  },
  {
    name: "nested permissions and hooks",
    text: `{
  "permissions": {
    "allow": ["Bash(npm run lint)", "Read(~/.zshrc)"],
    "deny": ["WebFetch"]
  },
  "hooks": {
    "PostToolUse": [
      { "matcher": "Edit|Write", "hooks": [{ "type": "command", "command": "deno fmt" }] }
    ]
  },
  "env": {
    "ANTHROPIC_BASE_URL": "https://api.example.org",
    "ANTHROPIC_AUTH_TOKEN": "sk-test-token-3"
  }
}
`,
    hasCredential: true,
  },
  {
    name: "tab indentation",
    text: `{\n\t"env": {\n\t\t"FOO": "bar"\n\t},\n\t"model": "opus"\n}\n`,
    hasCredential: false,
  },
  {
    name: "byte order mark",
    text: `\ufeff{\n  "model": "haiku"\n}\n`,
    hasCredential: false,
  },
  {
    name: "apiKeyHelper and block comment",
    text: `/* managed by dotfiles */
{
    "apiKeyHelper": "~/bin/key.sh",
    "env": { "CLAUDE_CODE_ENABLE_TELEMETRY": "0" }
}
`,
    hasCredential: true,
  },
];
