namespace TrainMonitor.Regimes;

/// <summary>
/// The last <c>capacity</c> items added, oldest first: the bounded memory of the tracker's histories. Not thread-safe.
/// </summary>
internal sealed class BoundedRing<T>(int capacity)
{
    private readonly T[] _items = new T[capacity];
    private int _start;

    /// <summary>Number of items held (at most the capacity).</summary>
    public int Count { get; private set; }

    /// <summary>The i-th item held, oldest first.</summary>
    public T this[int i] => _items[(_start + i) % _items.Length];

    /// <summary>Adds <paramref name="item"/> as the newest, dropping the oldest when full.</summary>
    public void Push(T item)
    {
        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = item;
            Count++;
        }
        else
        {
            _items[_start] = item;
            _start = (_start + 1) % _items.Length;
        }
    }

    /// <summary>Puts <paramref name="item"/> in the newest item's place and returns the one it replaced; the ring must not be empty.</summary>
    public T ReplaceLatest(T item)
    {
        var slot = (_start + Count - 1) % _items.Length;
        var replaced = _items[slot];
        _items[slot] = item;
        return replaced;
    }
}
