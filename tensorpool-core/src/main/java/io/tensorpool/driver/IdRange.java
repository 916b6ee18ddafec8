package io.tensorpool.driver;

import java.util.Objects;

/**
 * An inclusive range of 32-bit unsigned ids (Driver §11), e.g. {@code "20000-29999"}; {@link #EMPTY} disables the
 * feature that uses it. Immutable.
 */
public final class IdRange
{
    /** The disabled range. */
    public static final IdRange EMPTY = new IdRange(1, 0);

    private final long first;
    private final long last;

    private IdRange(final long first, final long last)
    {
        this.first = first;
        this.last = last;
    }

    /**
     * @param first first id, inclusive, 0..2^32-1.
     * @param last  last id, inclusive, {@code >= first}.
     * @throws IllegalArgumentException naming the values if the range is inverted or out of the u32 range.
     */
    public static IdRange of(final long first, final long last)
    {
        if (first < 0 || last > 0xFFFF_FFFFL || first > last)
        {
            throw new IllegalArgumentException("invalid id range " + first + "-" + last +
                " (need 0 <= start <= end <= 4294967295)");
        }
        return new IdRange(first, last);
    }

    /**
     * Parse {@code "start-end"} (or a single id, or the empty string for {@link #EMPTY}).
     *
     * @throws IllegalArgumentException naming the text if it is not a valid range.
     */
    public static IdRange parse(final String text)
    {
        final String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty())
        {
            return EMPTY;
        }
        final int dash = trimmed.indexOf('-');
        try
        {
            if (dash < 0)
            {
                final long id = Long.parseLong(trimmed);
                return of(id, id);
            }
            return of(Long.parseLong(trimmed.substring(0, dash).trim()), Long.parseLong(trimmed.substring(dash + 1).trim()));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("invalid id range '" + text + "' (expected \"start-end\")");
        }
    }

    public boolean isEmpty()
    {
        return first > last;
    }

    public long first()
    {
        return first;
    }

    public long last()
    {
        return last;
    }

    /** True if {@code id} (unsigned) lies in the range. */
    public boolean contains(final long id)
    {
        return id >= first && id <= last;
    }

    /** True if both ranges are non-empty and share an id. */
    public boolean overlaps(final IdRange other)
    {
        return !isEmpty() && !other.isEmpty() && first <= other.last && other.first <= last;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof IdRange && ((IdRange)o).first == first && ((IdRange)o).last == last;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(first, last);
    }

    @Override
    public String toString()
    {
        return isEmpty() ? "" : first + "-" + last;
    }
}
