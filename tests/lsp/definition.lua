-- Neovim, headless: open a file, start `graph lsp` with the built-in client, go to the definition
-- of the name under the cursor, and write where the cursor landed as JSON.
-- Environment: GRAPH_LSP_CMD (JSON list), GRAPH_ROOT (workspace folder), GRAPH_FILE, GRAPH_LINE
-- (1-based), GRAPH_COL (0-based byte column, as nvim_win_set_cursor takes it), GRAPH_OUT.
local cmd = vim.fn.json_decode(os.getenv("GRAPH_LSP_CMD"))
local root = os.getenv("GRAPH_ROOT")
local out = os.getenv("GRAPH_OUT")

local function finish(result)
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qall!")
end

vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("GRAPH_FILE")))
local ready = false
local id = vim.lsp.start_client({
  name = "graphsvc",
  cmd = cmd,
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } },
  on_init = function() ready = true end,
})
vim.lsp.buf_attach_client(0, id)
if not vim.wait(60000, function() return ready end, 50) then
  finish({ error = "the server did not initialise" })
end

local start_buf = vim.api.nvim_get_current_buf()
vim.api.nvim_win_set_cursor(0, { tonumber(os.getenv("GRAPH_LINE")), tonumber(os.getenv("GRAPH_COL")) })
vim.lsp.buf.definition()
local moved = vim.wait(30000, function() return vim.api.nvim_get_current_buf() ~= start_buf end, 50)
local pos = vim.api.nvim_win_get_cursor(0)
finish({ moved = moved, file = vim.api.nvim_buf_get_name(0), line = pos[1], col = pos[2] })
