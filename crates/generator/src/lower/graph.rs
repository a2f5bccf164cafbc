//! Graph algorithms the lowering passes share.
//!
//! Input: a graph as each node's targets (indices). Output: its strongly connected
//! components, in an order that puts every component after those it reaches.

/// The strongly connected components of a graph given as each node's targets, in
/// the order Tarjan's algorithm finishes them: every component comes after all the
/// components it reaches. Iterative, so a long chain cannot overflow the stack.
#[must_use]
pub fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let (mut order, mut low) = (vec![UNSEEN; count], vec![0; count]);
    let mut on_stack = vec![false; count];
    let (mut stack, mut out, mut next) = (Vec::new(), Vec::new(), 0);
    for start in 0..count {
        if order[start] != UNSEEN {
            continue;
        }
        // (node, index of the next edge to follow)
        let mut calls = vec![(start, 0_usize)];
        order[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut edge)) = calls.last_mut() {
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if order[target] == UNSEEN {
                    order[target] = next;
                    low[target] = next;
                    next += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    calls.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                let mut scc = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    scc.push(member);
                    if member == node {
                        break;
                    }
                }
                out.push(scc);
            }
        }
    }
    out
}
