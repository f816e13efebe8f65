/** config.toml shapes the switch must keep intact (shared by the codex tests). */

/** One shape: its text, and whether a structural restore puts pieces back in one place. */
export interface CorpusEntry {
  name: string;
  text: string;
  /** Several codex_proxy pieces: a structural restore regroups them (same values). */
  regroups?: boolean;
}

/** At least 15 shapes of Codex config files. */
export const CORPUS: CorpusEntry[] = [
  { name: "empty file", text: "" },
  { name: "only comments", text: "# my codex config\n# nothing yet\n" },
  {
    name: "comments everywhere",
    text: `# top comment
model = "gpt-5" # trailing comment
  # indented comment
approval_policy = "on-request"

# before a table
[mcp_servers.docs] # header comment
command = "npx" # why
args = ["-y", "docs-mcp"] # args
# after the last key
`,
  },
  {
    name: "model_provider present with a comment",
    text: `model_provider = 'openai-compat' # my proxy
model = "gpt-5"

[model_providers.openai-compat]
name = "Compat"
base_url = "https://api.example.test/v1"
env_key = "COMPAT_API_KEY"
`,
  },
  {
    name: "model_provider already codex_proxy with a foreign table",
    text: `model_provider = "codex_proxy"

[model_providers.codex_proxy]
name = "someone else"
base_url = "http://127.0.0.1:9999"
wire_api = "chat"
env_key = "OTHER_KEY" # keep me
`,
  },
  {
    name: "existing codex_proxy table with a sub-table",
    text: `model = "o3"

[model_providers.codex_proxy]
name = "old"
base_url = "http://127.0.0.1:1234"

[model_providers.codex_proxy.http_headers]
X-Test = "1"

[features]
web_search = true
`,
    regroups: true,
  },
  {
    name: "inline tables in [model_providers]",
    text: `model = "o3"

[model_providers]
compat = { name = "Compat", base_url = "https://api.example.test/v1", env_key = "K" }
codex_proxy = { name = "mine", base_url = "http://127.0.0.1:5555" } # inline
other = { name = "Other" }
`,
  },
  {
    name: "dotted codex_proxy keys at the root",
    text: `model_providers.codex_proxy.base_url = "http://127.0.0.1:7777"
model_providers.codex_proxy.name = "dotted"
model = "o3"

[history]
persistence = "none"
`,
  },
  {
    name: "dotted codex_proxy keys in [model_providers]",
    text: `[model_providers]
codex_proxy.name = "dotted in table"
compat.name = "Compat"
codex_proxy.base_url = "http://127.0.0.1:7778"
`,
    regroups: true,
  },
  {
    name: "arrays of tables",
    text: `model = "o3"

[[skills]]
name = "a"

[[skills]]
name = "b" # second

[[skills.steps]]
run = "x"
`,
  },
  {
    name: "multi-line strings that look like keys and tables",
    text: `instructions = """
[fake.table]
model_provider = "not me"
[model_providers.codex_proxy]
"""
notes = '''
model_provider = 'nope'
'''

[profiles.fast]
model = "o4-mini"
`,
  },
  {
    name: "CRLF line endings",
    text:
      `model = "o3"\r\nmodel_provider = "openai" # crlf\r\n\r\n[features]\r\nweb_search = true\r\n`,
  },
  { name: "CRLF without root keys", text: `[features]\r\nweb_search = true\r\n` },
  { name: "no final newline", text: `model = "o3"\n\n[features]\nweb_search = true` },
  { name: "root keys only, no final newline", text: `model = "o3"` },
  { name: "byte order mark", text: `\uFEFFmodel = "o3"\n\n[features]\nweb_search = true\n` },
  {
    name: "profiles with their own providers",
    text: `model = "o3"
profile = "work"

[profiles.work]
model_provider = "azure"
model = "gpt-5"

[profiles.home]
model = "o3"
`,
  },
  {
    name: "mcp servers, env tables and features",
    text: `model = "gpt-5"
model_reasoning_effort = "high"
sandbox_mode = "workspace-write"

[sandbox_workspace_write]
network_access = true

[mcp_servers.fs]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-filesystem", "."]

[mcp_servers.fs.env]
LOG = "debug"

[features]
streamable_shell = true

[tui]
notifications = ["approval-requested"]
`,
  },
  {
    name: "quoted keys and literal strings",
    text: `"model" = 'o3'
'approval_policy' = "never"

["model_providers"."codex_proxy"]
'name' = 'quoted'
"base_url" = 'http://127.0.0.1:4321'
`,
  },
  {
    name: "tables only, no root keys",
    text: `[model_providers.compat]
name = "Compat"
base_url = "https://api.example.test/v1"

[projects."/home/user/repo"]
trust_level = "trusted"
`,
  },
  { name: "just a newline", text: "\n" },
  {
    name: "codex_proxy table with comments, between other tables",
    text: `[model_providers.a]
name = "A"

# my proxy
[model_providers.codex_proxy] # header note
# inside
name = "mine" # name
base_url = "http://127.0.0.1:1111" # last key
# belongs to the next table
[model_providers.b]
name = "B"
`,
  },
  {
    name: "multi-line inline table (TOML 1.1)",
    text: `[model_providers]
codex_proxy = {
  name = "multi", # a comment inside
  base_url = "http://127.0.0.1:2222",
}
other = { name = "O" }
`,
  },
  { name: "trailing blank lines", text: `model = "o3"\n\n\n` },
];
