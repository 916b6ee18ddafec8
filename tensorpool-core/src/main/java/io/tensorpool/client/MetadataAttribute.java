package io.tensorpool.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One {@code DataSourceMeta} attribute (Wire §10.3.2): an ASCII key, a format such as {@code text/plain} or
 * {@code application/json}, and the value bytes. Immutable.
 */
public final class MetadataAttribute
{
    /** Format of plain-text values. */
    public static final String TEXT_PLAIN = "text/plain";
    /** Key of a data source tag (docs/DESIGN.md "Data source declaration"). */
    public static final String TAG_KEY = "tag";
    /** Key of the data source id (docs/DESIGN.md "Data source declaration"). */
    public static final String DATA_SOURCE_ID_KEY = "data_source_id";

    private final String key;
    private final String format;
    private final byte[] value;

    public MetadataAttribute(final String key, final String format, final byte[] value)
    {
        this.key = checkAscii("key", key);
        this.format = checkAscii("format", format);
        this.value = Objects.requireNonNull(value, "value").clone();
    }

    /** A {@code text/plain} attribute. */
    public static MetadataAttribute text(final String key, final String value)
    {
        return new MetadataAttribute(key, TEXT_PLAIN, checkAscii("value", value).getBytes(StandardCharsets.US_ASCII));
    }

    public String key()
    {
        return key;
    }

    public String format()
    {
        return format;
    }

    /** A copy of the value bytes. */
    public byte[] value()
    {
        return value.clone();
    }

    byte[] valueNoCopy()
    {
        return value;
    }

    /** The value as US-ASCII text (meaningful for {@code text/plain}). */
    public String valueAsText()
    {
        return new String(value, StandardCharsets.US_ASCII);
    }

    static String checkAscii(final String what, final String text)
    {
        Objects.requireNonNull(text, what);
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) > 0x7F)
            {
                throw new IllegalArgumentException(what + " must be US-ASCII: '" + text + "'");
            }
        }
        return text;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof MetadataAttribute))
        {
            return false;
        }
        final MetadataAttribute that = (MetadataAttribute)o;
        return key.equals(that.key) && format.equals(that.format) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(key, format) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString()
    {
        return key + "(" + format + ")=" + (TEXT_PLAIN.equals(format) ? valueAsText() : value.length + " bytes");
    }
}
