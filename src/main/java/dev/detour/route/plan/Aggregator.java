package dev.detour.route.plan;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact planner of one address family (IPv4 or IPv6, by its bit width): the fewest collateral
 * addresses under a route budget, by a tree DP over the compressed binary trie of the wanted
 * blocks, so its cost grows with the wanted prefixes, never with the address space.
 *
 * <p>Only a trie node is worth routing: any route can shrink to the smallest prefix holding the
 * same wanted addresses, which is a leaf or a branching node, and a node of a unary chain holds
 * what the branching node below it holds. For node v, {@code f_v(k)} is the least cost with at most
 * k routes inside v: v's own prefix as one route (if it is long enough and holds no forbidden
 * address; cost = its addresses that are not wanted), or the best split of k between the two
 * children (a min-plus convolution, {@link MinPlus}), or no route (every wanted address uncovered).
 * An uncovered address costs {@code penalty}, more than all collateral can, so covering always
 * wins. IPv4 costs fit a long; IPv6 ones (up to 2^128 addresses times a penalty as large) are
 * BigIntegers ({@link Costs}). Addresses and the trie's counts are {@link U128}s, which hold either
 * family without allocating per digit; a node's count is of its addresses that are not wanted,
 * which is always below 2^128 (a wanted /0 holds 2^128).
 *
 * <p>The leaves are the fewest prefixes that make up the wanted addresses, so covering a subtree
 * with no collateral takes exactly its leaves (a leaf shorter than the minimum prefix: its pieces),
 * and {@code f_v(k)} is 0 from there on: it is kept only up to {@code min(budget, that count)}, and
 * when the budget covers every leaf there is no DP at all. The chosen routes are recovered top-down
 * by finding a split that gives the stored optimum.
 */
final class Aggregator {

  /** A prefix: its first address and its length. */
  record Block(U128 start, int length) {}

  /** The routes chosen and what they cost, in addresses. */
  record Result(List<Block> routes, BigInteger collateral, BigInteger uncovered) {}

  private final int bits;
  private final int minPrefix;
  private final U128[] fenceFirst;
  private final U128[] fenceLast;
  private final BigInteger total;
  private final BigInteger penalty;

  // The trie: leaves are the wanted blocks, internal nodes the branching points.
  private final int[] depth;
  private final U128[] start;
  private final int[] left;
  private final int[] right;
  private final U128[] unwanted; // the node's addresses that are not wanted
  private final long[] routesToCover; // zero-collateral routes (the leaves' pieces), saturating
  private final int[] postOrder;
  private final int root;
  private Costs cost;

  /**
   * @param bits the family's address width, 32 or 128
   * @param starts the wanted blocks' first addresses, ascending, the blocks disjoint and none
   *     holding a forbidden address
   * @param lengths their prefix lengths; a block shorter than {@code minPrefix} is routed as its
   *     pieces of length {@code minPrefix}
   * @param fenceFirsts the forbidden ranges' first addresses, ascending and disjoint
   * @param fenceLasts the forbidden ranges' last addresses
   */
  Aggregator(
      int bits,
      U128[] starts,
      int[] lengths,
      U128[] fenceFirsts,
      U128[] fenceLasts,
      int minPrefix) {
    this.bits = bits;
    this.minPrefix = minPrefix;
    this.fenceFirst = fenceFirsts;
    this.fenceLast = fenceLasts;
    int leaves = starts.length;
    int nodes = Math.max(0, 2 * leaves - 1);
    depth = new int[nodes];
    start = new U128[nodes];
    left = new int[nodes];
    right = new int[nodes];
    unwanted = new U128[nodes];
    routesToCover = new long[nodes];
    postOrder = new int[nodes];
    root = build(starts, lengths);
    total =
        root < 0
            ? BigInteger.ZERO
            : BigInteger.ONE.shiftLeft(bits - depth[root]).subtract(unwanted[root].big());
    // More than any collateral: there are only 2^bits - total addresses that are not wanted.
    penalty = BigInteger.ONE.shiftLeft(bits).subtract(wanted()).add(BigInteger.ONE);
  }

  /** The wanted addresses. */
  BigInteger wanted() {
    return total;
  }

  /** The routes that cover every wanted address with no collateral (at most Long.MAX_VALUE). */
  long routesToCover() {
    return root < 0 ? 0 : routesToCover[root];
  }

  /** What an uncovered address costs: more than all collateral together. */
  BigInteger penalty() {
    return penalty;
  }

  /**
   * Runs the DP for at most {@code budget} routes; afterwards {@link #cost} holds the optimum for
   * every route count up to {@link #last}.
   */
  void solve(int budget) {
    if (root < 0) {
      return;
    }
    cost = Costs.upTo(total.multiply(penalty), depth.length);
    for (int v : postOrder) {
      costs(v, budget);
    }
  }

  /** The highest route count the solved curve holds: beyond it nothing gets cheaper. */
  int last() {
    return root < 0 ? 0 : cost.last(root);
  }

  /** The least cost with at most k routes: uncovered addresses times the penalty + collateral. */
  BigInteger cost(int k) {
    return root < 0 ? BigInteger.ZERO : cost.get(root, k);
  }

  /**
   * The optimum with at most k routes: after {@link #solve}, or without it when k covers every
   * wanted address with no collateral.
   */
  Result routes(int k) {
    List<Block> routes = new ArrayList<>();
    if (root < 0) {
      return new Result(routes, BigInteger.ZERO, BigInteger.ZERO);
    }
    if (k >= routesToCover[root]) {
      // Every leaf as it is: nothing to trade.
      for (int v : postOrder) {
        if (left[v] < 0) {
          emit(v, routesToCover[v], routes);
        }
      }
      return new Result(routes, BigInteger.ZERO, BigInteger.ZERO);
    }
    choose(root, k, routes);
    // The routes chosen cost exactly the optimum: uncovered times the penalty, plus collateral.
    BigInteger[] uncoveredAndCollateral = cost(k).divideAndRemainder(penalty);
    cost = null;
    return new Result(routes, uncoveredAndCollateral[1], uncoveredAndCollateral[0]);
  }

  /**
   * How two families share a budget: the route counts for each that together minimise the sum of
   * their costs, uncovered addresses first and then collateral, an address of one family counting
   * as much as one of the other. Solves the families as needed.
   */
  static int[] share(Aggregator a, Aggregator b, int budget) {
    long na = a.routesToCover();
    long nb = b.routesToCover();
    if (na + nb <= budget && na + nb >= 0) {
      return new int[] {(int) na, (int) nb};
    }
    a.solve(budget);
    b.solve(budget);
    if (nb == 0 || na == 0) {
      return new int[] {a.fewest(), b.fewest()};
    }
    // One penalty above both families' collateral, each curve split back into its two parts.
    BigInteger penalty = a.penalty.add(b.penalty).subtract(BigInteger.ONE);
    Costs both = Costs.of(a.rescaled(penalty), b.rescaled(penalty));
    int cap = (int) Math.min(budget, (long) a.last() + b.last());
    MinPlus.convolve(both, 0, 1, 2, cap);
    int k = both.fewest(2);
    int i = both.split(2, k, 0, 1);
    return new int[] {i, k - i};
  }

  private int fewest() {
    return root < 0 ? 0 : cost.fewest(root);
  }

  private BigInteger[] rescaled(BigInteger common) {
    BigInteger[] f = new BigInteger[last() + 1];
    for (int k = 0; k < f.length; k++) {
      BigInteger[] uncoveredAndCollateral = cost(k).divideAndRemainder(penalty);
      f[k] = uncoveredAndCollateral[0].multiply(common).add(uncoveredAndCollateral[1]);
    }
    return f;
  }

  private int build(U128[] starts, int[] lengths) {
    int[] stack = new int[bits + 8]; // the rightmost path: depths strictly increase
    int sp = 0;
    int next = 0;
    int done = 0;
    for (int i = 0; i < starts.length; i++) {
      int leaf = next++;
      depth[leaf] = lengths[i];
      start[leaf] = starts[i];
      left[leaf] = -1;
      right[leaf] = -1;
      unwanted[leaf] = U128.ZERO;
      int split = Math.max(0, minPrefix - lengths[i]);
      routesToCover[leaf] = split >= 63 ? Long.MAX_VALUE : 1L << split;
      postOrder[done++] = leaf;
      if (sp == 0) {
        stack[sp++] = leaf;
        continue;
      }
      int common = starts[i - 1].commonPrefix(starts[i]) - (128 - bits);
      int last = stack[--sp];
      while (sp > 0 && depth[stack[sp - 1]] > common) {
        int parent = stack[--sp];
        done = finish(parent, last, done);
        last = parent;
      }
      int node = next++;
      depth[node] = common;
      start[node] = starts[i].clearLow(bits - common);
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
    // Modulo 2^128 (a /0 has 2^128 addresses): the result is below it, so exact.
    unwanted[node] =
        size(node)
            .subtract(size(left[node]))
            .subtract(size(rightChild))
            .add(unwanted[left[node]])
            .add(unwanted[rightChild]);
    long sum = routesToCover[left[node]] + routesToCover[rightChild];
    routesToCover[node] = sum < 0 ? Long.MAX_VALUE : sum;
    postOrder[done] = node;
    return done + 1;
  }

  private void costs(int v, int budget) {
    int cap = (int) Math.min(budget, routesToCover[v]);
    if (left[v] < 0) {
      cost.leaf(v, cap, bits - depth[v], bits - Math.max(depth[v], minPrefix), penalty);
      return;
    }
    MinPlus.convolve(cost, left[v], right[v], v, cap);
    if (routable(v)) {
      cost.atMost(v, unwanted[v]);
    }
  }

  /** Adds the routes of v's optimum with at most k routes. */
  private void choose(int v, int k, List<Block> routes) {
    if (left[v] < 0) {
      emit(v, k, routes);
    } else if (k > 0 && routable(v) && cost.is(v, k, unwanted[v])) {
      routes.add(new Block(start[v], depth[v]));
    } else if (k > 0) {
      int i = cost.split(v, k, left[v], right[v]);
      choose(left[v], i, routes);
      choose(right[v], k - i, routes);
    }
  }

  /** Routes up to k of leaf v's pieces. */
  private void emit(int v, long k, List<Block> routes) {
    int pieceLength = Math.max(depth[v], minPrefix);
    U128 pieceSize = U128.pow2(bits - pieceLength);
    long used = Math.min(k, routesToCover[v]);
    U128 at = start[v];
    for (long p = 0; p < used; p++) {
      routes.add(new Block(at, pieceLength));
      at = at.add(pieceSize);
    }
  }

  /** v's addresses, modulo 2^128. */
  private U128 size(int v) {
    return U128.pow2(bits - depth[v]);
  }

  /** Whether v's own prefix may be a route: long enough and clear of every forbidden range. */
  private boolean routable(int v) {
    if (depth[v] < minPrefix) {
      return false;
    }
    U128 last = start[v].setLow(bits - depth[v]);
    // The last forbidden range starting at or before v's last address must end before v's start.
    int lo = 0;
    int hi = fenceFirst.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (fenceFirst[mid].compareTo(last) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 || fenceLast[lo - 1].compareTo(start[v]) < 0;
  }
}
