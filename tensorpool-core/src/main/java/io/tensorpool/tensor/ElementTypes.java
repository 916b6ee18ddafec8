package io.tensorpool.tensor;

import io.tensorpool.codecs.wire.Dtype;

/**
 * Element sizes of the v1.1 dtype registry (Wire §15.8). BYTES, BIT and UNKNOWN are treated as opaque 1-byte
 * elements for stride inference (docs/SPEC_DECISIONS.md).
 */
public final class ElementTypes
{
    private ElementTypes()
    {
    }

    /** @return the size in bytes of one element, or -1 for a raw value outside the registry. */
    public static int elementSize(final short dtypeRaw)
    {
        switch (dtypeRaw)
        {
            case 0: // UNKNOWN
            case 1: // UINT8
            case 2: // INT8
            case 11: // BOOLEAN
            case 13: // BYTES
            case 14: // BIT
                return 1;
            case 3: // UINT16
            case 4: // INT16
                return 2;
            case 5: // UINT32
            case 6: // INT32
            case 9: // FLOAT32
                return 4;
            case 7: // UINT64
            case 8: // INT64
            case 10: // FLOAT64
                return 8;
            default:
                return -1;
        }
    }

    /** Element size of a decoded dtype; -1 for {@code NULL_VAL}. */
    public static int elementSize(final Dtype dtype)
    {
        return elementSize(dtype.value());
    }
}
