package io.tensorpool.shm;

import java.util.Objects;

/**
 * A parsed {@code shm:file?path=<abs>[|require_hugepages=true|false]} region URI (Wire §4.1, §15.22). Parsing is
 * strict: any other scheme, unknown or repeated parameter, relative path or malformed boolean is rejected with a
 * message naming the problem and the URI.
 */
public final class RegionUri
{
    /** The only scheme v1.1 supports, with its query separator. */
    public static final String PREFIX = "shm:file?";
    private static final String PATH_KEY = "path";
    private static final String HUGEPAGES_KEY = "require_hugepages";
    /** Longest URI accepted; far above any real path and a guard against hostile lengths. */
    public static final int MAX_LENGTH = 4096;

    private final String path;
    private final boolean requireHugepages;

    private RegionUri(final String path, final boolean requireHugepages)
    {
        this.path = path;
        this.requireHugepages = requireHugepages;
    }

    /** Build and validate a URI for a path. */
    public static RegionUri of(final String absolutePath, final boolean requireHugepages)
    {
        return parse(format(absolutePath, requireHugepages));
    }

    /** The URI text for a path; {@code require_hugepages} is written only when true. */
    public static String format(final String absolutePath, final boolean requireHugepages)
    {
        return PREFIX + PATH_KEY + "=" + absolutePath + (requireHugepages ? "|" + HUGEPAGES_KEY + "=true" : "");
    }

    /**
     * Parse and validate a region URI.
     *
     * @throws ShmValidationException naming the rule that failed and the URI.
     */
    public static RegionUri parse(final String uri)
    {
        if (uri == null || uri.isEmpty())
        {
            throw new ShmValidationException("region URI is empty");
        }
        if (uri.length() > MAX_LENGTH)
        {
            throw new ShmValidationException(
                "region URI longer than " + MAX_LENGTH + " characters: length=" + uri.length());
        }
        if (!uri.startsWith(PREFIX))
        {
            throw new ShmValidationException("unsupported region URI scheme (only shm:file is supported): " + uri);
        }

        String path = null;
        Boolean hugepages = null;
        final String params = uri.substring(PREFIX.length());
        for (final String param : params.split("\\|", -1))
        {
            final int eq = param.indexOf('=');
            if (eq <= 0)
            {
                throw new ShmValidationException("malformed region URI parameter '" + param + "' in " + uri);
            }
            final String key = param.substring(0, eq);
            final String value = param.substring(eq + 1);
            if (PATH_KEY.equals(key))
            {
                if (path != null)
                {
                    throw new ShmValidationException("repeated path parameter in region URI: " + uri);
                }
                path = value;
            }
            else if (HUGEPAGES_KEY.equals(key))
            {
                if (hugepages != null)
                {
                    throw new ShmValidationException("repeated require_hugepages parameter in region URI: " + uri);
                }
                if ("true".equals(value))
                {
                    hugepages = Boolean.TRUE;
                }
                else if ("false".equals(value))
                {
                    hugepages = Boolean.FALSE;
                }
                else
                {
                    throw new ShmValidationException(
                        "require_hugepages must be true or false, was '" + value + "' in " + uri);
                }
            }
            else
            {
                throw new ShmValidationException("unknown region URI parameter '" + key + "' in " + uri);
            }
        }

        if (path == null || path.isEmpty())
        {
            throw new ShmValidationException("region URI has no path: " + uri);
        }
        if (path.charAt(0) != '/')
        {
            throw new ShmValidationException("region path must be absolute: '" + path + "' in " + uri);
        }
        for (int i = 0; i < path.length(); i++)
        {
            final char c = path.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '?')
            {
                throw new ShmValidationException(
                    "region path contains a forbidden character (code " + (int)c + ") at index " + i + ": " + uri);
            }
        }

        return new RegionUri(path, hugepages != null && hugepages);
    }

    /** The absolute path, as announced (not canonicalised). */
    public String path()
    {
        return path;
    }

    /** True if the region must be hugepage-backed (Wire §15.22). */
    public boolean requireHugepages()
    {
        return requireHugepages;
    }

    @Override
    public String toString()
    {
        return format(path, requireHugepages);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof RegionUri && ((RegionUri)o).path.equals(path) &&
            ((RegionUri)o).requireHugepages == requireHugepages;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(path, requireHugepages);
    }
}
