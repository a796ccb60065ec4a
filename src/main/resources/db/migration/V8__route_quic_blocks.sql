-- Whether a group's watches found blocked over QUIC alone (TCP still works) are routed too: off by
-- default, since browsers fall back to TCP, but a user whose apps need HTTP/3 can ask for it.
alter table watch_group add column route_quic_blocks boolean default false not null;
