-- A group's watches in id order, so a page of one group reads that page's rows rather than
-- sorting every watch of the group (issue 26: 100,000 rows a request at 100,000 watches).
create index watch_group_order_idx on watch (group_id, id);
