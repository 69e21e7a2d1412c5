// The files a repo holds, with what an incremental run compares against.
// Parameters: $repo (repo id). Columns: path, hash, summary, size, mtimeNs, inode.
MATCH (r:Repo {id: $repo})-[:CONTAINS]->(f:File)
RETURN f.path AS path, f.hash AS hash, f.summary AS summary, f.size AS size, f.mtimeNs AS mtimeNs,
       f.inode AS inode
