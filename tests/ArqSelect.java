// Runs SELECT queries with Apache Jena ARQ over one RDF file, loaded once into memory; used by
// tests/test_portability.py, through Java's source launcher (`java -cp JENA ArqSelect.java ...`: Debian's
// JRE compiles it in memory, no JDK needed).
//
//   ArqSelect DATA OUT QUERY...
//
// DATA is any RDF file Jena reads (N-Triples, gzipped or not). Each QUERY file is parsed as strict
// SPARQL 1.1 (no ARQ extensions) and its results written to OUT/<name>.srj (SPARQL 1.1 JSON results),
// or its error to OUT/<name>.error; a failing query does not stop the others.
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.riot.RDFDataMgr;

public class ArqSelect {
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        Dataset dataset = DatasetFactory.create();
        RDFDataMgr.read(dataset, args[0]);
        System.err.printf("loaded %d triples in %.1f s%n", dataset.getDefaultModel().size(), seconds(start));
        Path out = Path.of(args[1]);
        for (int i = 2; i < args.length; i++) {
            Path query = Path.of(args[i]);
            String name = query.getFileName().toString().replaceFirst("\\.rq$", "");
            long began = System.nanoTime();
            try (QueryExecution exec = QueryExecutionFactory.create(
                    QueryFactory.create(Files.readString(query), Syntax.syntaxSPARQL_11), dataset);
                 OutputStream results = new FileOutputStream(out.resolve(name + ".srj").toFile())) {
                ResultSetFormatter.outputAsJSON(results, exec.execSelect());
            } catch (RuntimeException exc) {
                Files.deleteIfExists(out.resolve(name + ".srj"));
                Files.writeString(out.resolve(name + ".error"), exc.toString());
            }
            System.err.printf("%s in %.1f s%n", name, seconds(began));
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
