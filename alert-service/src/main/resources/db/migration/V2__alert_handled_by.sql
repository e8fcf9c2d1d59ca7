-- Who moved an alert to SEEN and to RESOLVED: the person's username from the token (or its subject).
alter table alert
    add column seen_by     text,
    add column resolved_by text;
