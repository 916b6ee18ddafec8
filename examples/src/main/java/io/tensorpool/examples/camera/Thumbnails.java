package io.tensorpool.examples.camera;

import org.agrona.DirectBuffer;

/** Block-mean downscaling of a uint8 image: each output value is the mean of a {@code factor x factor} block. */
public final class Thumbnails
{
    private Thumbnails()
    {
    }

    /**
     * Downscale a row-major {@code height x width} uint8 image by {@code factor} into {@code out}
     * ({@code (height / factor) * (width / factor)} floats, row-major).
     */
    public static void blockMeans(
        final DirectBuffer image, final int height, final int width, final int factor, final float[] out)
    {
        final int outHeight = height / factor;
        final int outWidth = width / factor;
        final float scale = 1.0f / (factor * factor);
        for (int br = 0; br < outHeight; br++)
        {
            for (int bc = 0; bc < outWidth; bc++)
            {
                int sum = 0;
                for (int r = br * factor, rEnd = r + factor; r < rEnd; r++)
                {
                    final int rowBase = r * width + bc * factor;
                    for (int c = 0; c < factor; c++)
                    {
                        sum += image.getByte(rowBase + c) & 0xFF;
                    }
                }
                out[br * outWidth + bc] = sum * scale;
            }
        }
    }

    /** The mean of a thumbnail; with equal blocks it is exactly the mean of the original image. */
    public static double mean(final float[] values)
    {
        double sum = 0;
        for (final float v : values)
        {
            sum += v;
        }
        return values.length == 0 ? 0 : sum / values.length;
    }

    /** A few lines of ASCII art of a {@code height x width} thumbnail, for a terminal report. */
    public static String ascii(final float[] values, final int height, final int width, final int columns)
    {
        final String shades = " .:-=+*#%@";
        final int step = Math.max(1, width / columns);
        final StringBuilder sb = new StringBuilder();
        for (int r = 0; r < height; r += step * 2)
        {
            sb.append("    ");
            for (int c = 0; c < width; c += step)
            {
                final float v = values[r * width + c];
                sb.append(shades.charAt(Math.min(shades.length() - 1, (int)(v / 256 * shades.length()))));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
