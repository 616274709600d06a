#pragma once
// KeyedRows<T>: a list model's rows in display order, found by key without a scan, and
// removed without re-indexing every later row. Each appended row gets an order number that
// only grows; the hash maps key -> order number, and a row's position is the binary search of
// that number in the ascending list of live order numbers. Rows are held by pointer, so a
// removal shifts pointers (a memmove), never the rows themselves. Lookup is O(log n), append
// amortised O(1), removal one pointer shift. Used by MemberModel and UserModel.
#include <QHash>
#include <QString>

#include <algorithm>
#include <memory>
#include <vector>

namespace Hallway {

template<typename T>
class KeyedRows
{
public:
    int size() const { return int(m_rows.size()); }
    bool isEmpty() const { return m_rows.empty(); }
    bool contains(const QString &key) const { return m_order.contains(key); }

    const T &at(int row) const { return *m_rows[size_t(row)]; }
    T &operator[](int row) { return *m_rows[size_t(row)]; }

    int rowOf(const QString &key) const
    {
        const auto it = m_order.constFind(key);
        if (it == m_order.constEnd())
            return -1;
        return int(std::lower_bound(m_orders.cbegin(), m_orders.cend(), *it) - m_orders.cbegin());
    }

    void append(const QString &key, T value) { append(key, std::make_unique<T>(std::move(value))); }
    void append(const QString &key, std::unique_ptr<T> row) { m_order.insert(key, pushRow(std::move(row))); }

    // The rows themselves, in order, leaving this empty: to move them into other rows as they are.
    std::vector<std::unique_ptr<T>> takeRows()
    {
        std::vector<std::unique_ptr<T>> rows = std::move(m_rows);
        clear();
        return rows;
    }

    // The row with this key; made by make() and appended when there is none. One hash
    // operation either way (a caller that looked first and then appended would hash twice).
    template<typename Make>
    T &findOrAppend(const QString &key, Make make)
    {
        const qsizetype before = m_order.size();
        quint64 &order = m_order[key];
        if (m_order.size() == before)
            return *m_rows[size_t(std::lower_bound(m_orders.cbegin(), m_orders.cend(), order) - m_orders.cbegin())];
        order = pushRow(std::make_unique<T>(make()));
        return *m_rows.back();
    }

    // Grows by at least half the capacity: callers reserve before each of many inserted
    // ranges, and an exact reserve would copy the row pointers every time.
    void reserve(int n)
    {
        if (size_t(n) <= m_rows.capacity())
            return;
        const size_t want = std::max(size_t(n), m_rows.capacity() + m_rows.capacity() / 2);
        m_order.reserve(qsizetype(want));
        m_orders.reserve(want);
        m_rows.reserve(want);
    }

    void removeAt(int row, const QString &key)
    {
        m_order.remove(key);
        m_orders.erase(m_orders.begin() + row);
        m_rows.erase(m_rows.begin() + row);
    }

    void clear()
    {
        m_order.clear();
        m_orders.clear();
        m_rows.clear();
    }

    // Iteration in row order, yielding const T&.
    class const_iterator
    {
    public:
        using Base = typename std::vector<std::unique_ptr<T>>::const_iterator;
        explicit const_iterator(Base it) : m_it(it) {}
        const T &operator*() const { return **m_it; }
        const T *operator->() const { return m_it->get(); }
        const_iterator &operator++() { ++m_it; return *this; }
        bool operator!=(const const_iterator &o) const { return m_it != o.m_it; }
        bool operator==(const const_iterator &o) const { return m_it == o.m_it; }
    private:
        Base m_it;
    };
    const_iterator begin() const { return const_iterator(m_rows.cbegin()); }
    const_iterator end() const { return const_iterator(m_rows.cend()); }

private:
    // A row at the end, with the next order number (returned; the caller files it by key).
    quint64 pushRow(std::unique_ptr<T> row)
    {
        m_orders.push_back(++m_next);
        m_rows.push_back(std::move(row));
        return m_next;
    }

    QHash<QString, quint64> m_order;            // key -> order number
    std::vector<quint64> m_orders;              // order number of each row, ascending
    std::vector<std::unique_ptr<T>> m_rows;     // the rows, in display order
    quint64 m_next = 0;
};

} // namespace Hallway
