package dev.cotenant.cli.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and build date that Maven wrote into {@code build.properties} when it built this jar,
 * and the commit the launcher passes as {@code -Dcotenant.commit}: which code a figure came from.
 *
 * @param version the project's version
 * @param date when the jar was built, UTC, ISO 8601
 * @param commit the commit, with "+changes" when the tree differed from it
 */
public record BuildInfo(String version, String date, String commit) {

    /** This build's. */
    public static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(p.getProperty("version", "unknown"), p.getProperty("date", "unknown"),
                System.getProperty("cotenant.commit", "unknown (run through ./cotenant to record it)"));
    }
}
