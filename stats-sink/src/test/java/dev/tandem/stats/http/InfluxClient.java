package dev.tandem.stats.http;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back from InfluxDB 1.x over its HTTP API, for the integration tests: {@code /query} with
 * {@code Accept: application/csv}, which answers one header line ({@code name,tags,time,...}) and one
 * line per row, values quoted as in RFC 4180.
 */
final class InfluxClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final URI base;

    InfluxClient(URI base) {
        this.base = base;
    }

    URI write(String db) {
        return base.resolve("/write?db=" + db);
    }

    boolean ping() {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/ping"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 204;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void createDatabase(String db) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/query"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("q=" + enc("CREATE DATABASE \"" + db + "\""))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
            throw new IOException("CREATE DATABASE " + db + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** The rows of one query (header excluded), each split into cells. */
    List<List<String>> rows(String db, String query) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        base.resolve("/query?db=" + enc(db) + "&q=" + enc(query)))
                        .header("Accept", "application/csv").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(query + ": HTTP " + r.statusCode() + " " + r.body());
        }
        List<List<String>> out = new ArrayList<>();
        String[] lines = r.body().split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].isEmpty()) {
                out.add(csv(lines[i]));
            }
        }
        return out;
    }

    /** The single number a query such as {@code SELECT COUNT(x) FROM m} returns, or -1 for no row. */
    long number(String db, String query) throws IOException, InterruptedException {
        List<List<String>> rows = rows(db, query);
        if (rows.isEmpty()) {
            return -1;
        }
        List<String> row = rows.get(0);
        return Long.parseLong(row.get(row.size() - 1));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** One RFC 4180 line. */
    static List<String> csv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
