/// A binary min-heap: `insert` and `popMin` in O(log n), `min` in O(1).
/// Ties come out in no particular order; give the elements a total order to fix it.
///
/// Inlinable: the stage graph's scheduler (another target) calls it per released stage,
/// and a generic called across modules is not specialized.
package struct MinHeap<Element: Comparable> {
    @usableFromInline var elements: [Element] = []

    /// An empty heap.
    @inlinable package init() {}

    /// A heap of `elements`, built in O(n).
    @inlinable package init(_ elements: some Sequence<Element>) {
        self.elements = Array(elements)
        for position in stride(from: self.elements.count / 2 - 1, through: 0, by: -1) { siftDown(from: position) }
    }

    /// Whether it holds nothing.
    @inlinable package var isEmpty: Bool { elements.isEmpty }

    /// The smallest element, if any.
    @inlinable package var min: Element? { elements.first }

    /// Adds `element`.
    @inlinable package mutating func insert(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest element, if any.
    @inlinable package mutating func popMin() -> Element? {
        guard !elements.isEmpty else { return nil }
        elements.swapAt(0, elements.count - 1)
        let smallest = elements.removeLast()
        siftDown(from: 0)
        return smallest
    }

    @usableFromInline mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < elements.count, elements[left] < elements[smallest] { smallest = left }
            if right < elements.count, elements[right] < elements[smallest] { smallest = right }
            guard smallest != parent else { return }
            elements.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
