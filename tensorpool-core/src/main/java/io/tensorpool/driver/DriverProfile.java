package io.tensorpool.driver;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named pool profile (Driver §17 {@code profiles.<name>}): the header ring size and the payload pool size classes
 * every stream using it gets. Immutable; validated by {@link ShmDriver.Context#conclude()}.
 */
public final class DriverProfile
{
    private final String name;
    private final int headerNslots;
    private final int[] poolIds;
    private final int[] strideBytes;

    /**
     * @param poolIds     pool ids (u16, unique), parallel to {@code strideBytes}.
     * @param strideBytes payload slot sizes in bytes (power of two, multiple of the page size).
     */
    public DriverProfile(final String name, final int headerNslots, final int[] poolIds, final int[] strideBytes)
    {
        this.name = Objects.requireNonNull(name, "name");
        if (poolIds.length != strideBytes.length)
        {
            throw new IllegalArgumentException("profile " + name + ": " + poolIds.length + " pool ids but " +
                strideBytes.length + " strides");
        }
        this.headerNslots = headerNslots;
        this.poolIds = poolIds.clone();
        this.strideBytes = strideBytes.clone();
    }

    public String name()
    {
        return name;
    }

    public int headerNslots()
    {
        return headerNslots;
    }

    public int poolCount()
    {
        return poolIds.length;
    }

    /** A copy of the pool ids. */
    public int[] poolIds()
    {
        return poolIds.clone();
    }

    /** A copy of the strides, parallel to {@link #poolIds()}. */
    public int[] strideBytes()
    {
        return strideBytes.clone();
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof DriverProfile))
        {
            return false;
        }
        final DriverProfile that = (DriverProfile)o;
        return name.equals(that.name) && headerNslots == that.headerNslots && Arrays.equals(poolIds, that.poolIds) &&
            Arrays.equals(strideBytes, that.strideBytes);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(name, headerNslots, Arrays.hashCode(poolIds), Arrays.hashCode(strideBytes));
    }

    @Override
    public String toString()
    {
        return "Profile{" + name + " header_nslots=" + headerNslots + " pools=" + Arrays.toString(poolIds) +
            " strides=" + Arrays.toString(strideBytes) + "}";
    }
}
