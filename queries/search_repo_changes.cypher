// What the last write of some repos changed: the paths it parsed, re-linked or removed
// (`lastChanged`, a JSON list), with the generation that write gave the repo.
// Parameters: $repos (repo ids). Columns: id, generation, changed.
MATCH (r:Repo)
WHERE r.id IN $repos
RETURN r.id AS id, r.generation AS generation, r.lastChanged AS changed
