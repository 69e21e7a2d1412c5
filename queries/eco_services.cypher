// Every docker-compose service. Parameters: none.
// Columns: id, name, project, repo, path, image, type, ports, endpoint, healthUrl.
MATCH (s:Service)
RETURN s.id AS id, s.name AS name, s.project AS project, s.repo AS repo, s.path AS path, s.image AS image,
       s.type AS type, s.ports AS ports, s.endpoint AS endpoint, s.healthUrl AS healthUrl
ORDER BY id
