package dev.detour.route.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The exact IPv4 planner: the fewest collateral addresses under a route budget, by a tree DP over
 * the compressed binary trie of the wanted blocks.
 *
 * <p>Only a trie node is worth routing: any route can shrink to the smallest prefix holding the
 * same wanted addresses, which is a leaf or a branching node, and a node of a unary chain holds
 * what the branching node below it holds. For node v, {@code f_v(k)} is the least cost with at most
 * k routes inside v: v's own prefix as one route (if it is long enough and holds no forbidden
 * address; cost = its addresses that are not wanted), or the best split of k between the two
 * children (a min-plus convolution, {@link MinPlus}), or no route (every wanted address uncovered).
 * An uncovered address costs {@code penalty}, more than all collateral can, so covering always
 * wins.
 *
 * <p>The leaves are the fewest prefixes that make up the wanted addresses, so covering a subtree
 * with no collateral takes exactly its leaves (a leaf shorter than the minimum prefix: its pieces),
 * and {@code f_v(k)} is 0 from there on: it is kept only up to {@code min(budget, that count)}, and
 * when the budget covers every leaf there is no DP at all. The chosen routes are recovered top-down
 * by finding a split that gives the stored optimum.
 */
final class Aggregator {

  /** An IPv4 prefix: its first address and its length. */
  record Block(long start, int length) {}

  /** The routes chosen and what they cost. */
  record Result(List<Block> routes, long collateral, long uncovered) {}

  private final int minPrefix;
  private final long[] fenceStart;
  private final long[] fenceEnd;
  private final long penalty;

  // The trie: leaves are the wanted blocks, internal nodes the branching points.
  private final int[] depth;
  private final long[] start;
  private final int[] left;
  private final int[] right;
  private final long[] wanted;
  private final long[] routesToCover; // zero-collateral routes: the leaves' pieces
  private final int[] postOrder;
  private final int root;
  private long[][] cost;

  /**
   * @param starts the wanted blocks' first addresses, ascending, the blocks disjoint and none
   *     holding a forbidden address
   * @param lengths their prefix lengths; a block shorter than {@code minPrefix} is routed as its
   *     pieces of length {@code minPrefix}
   * @param fenceStarts the forbidden ranges' first addresses, ascending and disjoint
   * @param fenceEnds the forbidden ranges' ends (exclusive)
   */
  Aggregator(long[] starts, int[] lengths, long[] fenceStarts, long[] fenceEnds, int minPrefix) {
    this.minPrefix = minPrefix;
    this.fenceStart = fenceStarts;
    this.fenceEnd = fenceEnds;
    int leaves = starts.length;
    int nodes = Math.max(0, 2 * leaves - 1);
    depth = new int[nodes];
    start = new long[nodes];
    left = new int[nodes];
    right = new int[nodes];
    wanted = new long[nodes];
    routesToCover = new long[nodes];
    postOrder = new int[nodes];
    root = build(starts, lengths);
    long total = leaves == 0 ? 0 : wanted[root];
    // More than any collateral: there are only 2^32 - total addresses that are not wanted.
    penalty = (1L << 32) - total + 1;
  }

  Result solve(int budget) {
    List<Block> routes = new ArrayList<>();
    if (root < 0) {
      return new Result(routes, 0, 0);
    }
    if (budget >= routesToCover[root]) {
      // Every leaf as it is: nothing to trade.
      for (int v : postOrder) {
        if (left[v] < 0) {
          emit(v, routesToCover[v], routes);
        }
      }
      return new Result(routes, 0, 0);
    }
    cost = new long[depth.length][];
    for (int v : postOrder) {
      cost[v] = costs(v, budget);
    }
    long[] f = cost[root];
    int k = f.length - 1;
    while (k > 0 && f[k - 1] == f[k]) {
      k--; // the same optimum with fewer routes
    }
    long uncovered = choose(root, k, routes);
    long collateral = f[k] - uncovered * penalty;
    cost = null;
    return new Result(routes, collateral, uncovered);
  }

  private int build(long[] starts, int[] lengths) {
    int[] stack = new int[40]; // the rightmost path: depths strictly increase, at most 33 nodes
    int sp = 0;
    int next = 0;
    int done = 0;
    for (int i = 0; i < starts.length; i++) {
      int leaf = next++;
      depth[leaf] = lengths[i];
      start[leaf] = starts[i];
      left[leaf] = -1;
      right[leaf] = -1;
      wanted[leaf] = 1L << (32 - lengths[i]);
      routesToCover[leaf] = 1L << Math.max(0, minPrefix - lengths[i]);
      postOrder[done++] = leaf;
      if (sp == 0) {
        stack[sp++] = leaf;
        continue;
      }
      int common = Long.numberOfLeadingZeros(starts[i - 1] ^ starts[i]) - 32;
      int last = stack[--sp];
      while (sp > 0 && depth[stack[sp - 1]] > common) {
        int parent = stack[--sp];
        done = finish(parent, last, done);
        last = parent;
      }
      int node = next++;
      depth[node] = common;
      start[node] = starts[i] & ~((1L << (32 - common)) - 1);
      left[node] = last;
      stack[sp++] = node;
      stack[sp++] = leaf;
    }
    if (sp == 0) {
      return -1;
    }
    int last = stack[--sp];
    while (sp > 0) {
      int parent = stack[--sp];
      done = finish(parent, last, done);
      last = parent;
    }
    return last;
  }

  private int finish(int node, int rightChild, int done) {
    right[node] = rightChild;
    wanted[node] = wanted[left[node]] + wanted[rightChild];
    routesToCover[node] = routesToCover[left[node]] + routesToCover[rightChild];
    postOrder[done] = node;
    return done + 1;
  }

  private long[] costs(int v, int budget) {
    int cap = (int) Math.min(budget, routesToCover[v]);
    if (left[v] < 0) {
      long pieces = routesToCover[v];
      long pieceSize = wanted[v] / pieces;
      long[] f = new long[cap + 1];
      for (int k = 0; k <= cap; k++) {
        f[k] = penalty * pieceSize * (pieces - k);
      }
      return f;
    }
    long[] f = MinPlus.convolve(cost[left[v]], cost[right[v]], cap);
    if (routable(v)) {
      long alone = size(v) - wanted[v];
      for (int k = 1; k <= cap; k++) {
        f[k] = Math.min(f[k], alone);
      }
    }
    return f;
  }

  /** Adds the routes of v's optimum with at most k routes; returns the addresses left uncovered. */
  private long choose(int v, int k, List<Block> routes) {
    if (left[v] < 0) {
      return emit(v, k, routes);
    }
    if (k == 0) {
      return wanted[v];
    }
    long target = cost[v][k];
    if (routable(v) && size(v) - wanted[v] == target) {
      routes.add(new Block(start[v], depth[v]));
      return 0;
    }
    long[] a = cost[left[v]];
    long[] b = cost[right[v]];
    int i = Math.max(0, k - (b.length - 1));
    while (a[i] + b[k - i] != target) {
      i++;
    }
    return choose(left[v], i, routes) + choose(right[v], k - i, routes);
  }

  /** Routes up to k of leaf v's pieces; returns the addresses left uncovered. */
  private long emit(int v, long k, List<Block> routes) {
    long pieces = routesToCover[v];
    long pieceSize = wanted[v] / pieces;
    int pieceLength = Math.max(depth[v], minPrefix);
    long used = Math.min(k, pieces);
    for (long p = 0; p < used; p++) {
      routes.add(new Block(start[v] + p * pieceSize, pieceLength));
    }
    return (pieces - used) * pieceSize;
  }

  private long size(int v) {
    return 1L << (32 - depth[v]);
  }

  /** Whether v's own prefix may be a route: long enough and clear of every forbidden range. */
  private boolean routable(int v) {
    if (depth[v] < minPrefix) {
      return false;
    }
    long end = start[v] + size(v);
    // The last forbidden range starting before the end must also end before v's start.
    int lo = 0;
    int hi = fenceStart.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (fenceStart[mid] < end) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 || fenceEnd[lo - 1] <= start[v];
  }
}
