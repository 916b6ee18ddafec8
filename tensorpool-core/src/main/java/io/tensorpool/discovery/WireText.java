package io.tensorpool.discovery;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Byte-exact conversion between the discovery schema's {@code varAsciiEncoding} strings and Java strings. Discovery
 * §5.1 requires names to round-trip byte for byte, so text is mapped with ISO-8859-1 (each byte is one char, 0..255)
 * rather than US-ASCII, which would replace bytes above 127 with '?'.
 */
final class WireText
{
    static final byte[] EMPTY = new byte[0];

    private WireText()
    {
    }

    static String toString(final byte[] bytes)
    {
        return bytes.length == 0 ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /**
     * The wire bytes of {@code text}.
     *
     * @throws IllegalArgumentException if a char does not fit in one byte, naming {@code what} and the value.
     */
    static byte[] toBytes(final String what, final String text)
    {
        final int length = text.length();
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            if (c > 0xFF)
            {
                throw new IllegalArgumentException(what + " has a character outside 0..255 at index " + i + ": " +
                    text);
            }
            bytes[i] = (byte)c;
        }
        return bytes;
    }

    /** Copy of the bytes a view wraps (the view was set by a generated {@code wrapXxx} accessor). */
    static byte[] copy(final DirectBuffer view)
    {
        final int length = view.capacity();
        if (length == 0)
        {
            return EMPTY;
        }
        final byte[] bytes = new byte[length];
        view.getBytes(0, bytes);
        return bytes;
    }

    static boolean equals(final DirectBuffer view, final byte[] bytes)
    {
        final int length = view.capacity();
        if (length != bytes.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (view.getByte(i) != bytes[i])
            {
                return false;
            }
        }
        return true;
    }

    static boolean equals(final String text, final byte[] bytes)
    {
        final int length = text.length();
        if (length != bytes.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (text.charAt(i) != (char)(bytes[i] & 0xFF))
            {
                return false;
            }
        }
        return true;
    }

    /** Bytes of the view decoded as ISO-8859-1, for log messages and result objects. */
    static String toString(final DirectBuffer view)
    {
        return toString(copy(view));
    }
}
