-- A paused watch: disabled until this moment, then enabled again (WatchBulk's "pause").
alter table watch add column resume_at timestamp with time zone;

create index watch_resume_idx on watch (resume_at);
