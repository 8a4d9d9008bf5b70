// The OWL 2 DL profile check of an ontology with the OWL API (Debian: libowlapi-java), run as a source file:
//   java -cp OWLAPI-CLASSPATH tests/validation/OwlDlProfile.java ONTOLOGY.ttl
// Prints one line per problem, tab-separated: "violation", its kind (the OWL API's class name) and the
// violation; "unparsed", the triple the RDF parser could not turn into an axiom (an illegal construct the
// parser would otherwise drop in silence). The last line is "done N violations M unparsed".
// Exit code 0 when the check ran (whatever it found), 2 when the ontology did not load.

import java.io.File;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.RDFDocumentFormat;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.io.RDFTriple;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlDlProfile {
    public static void main(String[] args) {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(
                    new FileDocumentSource(new File(args[0]), new TurtleDocumentFormat()));
        } catch (Exception e) {
            System.out.println("error\t" + e.toString().replace('\n', ' '));
            e.printStackTrace();
            System.exit(2);
            return;
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        int violations = 0;
        for (OWLProfileViolation v : report.getViolations()) {
            System.out.println("violation\t" + v.getClass().getSimpleName() + "\t" + v.toString().replace('\n', ' '));
            violations++;
        }
        int unparsed = 0;
        OWLDocumentFormat format = manager.getOntologyFormat(ontology);
        if (format instanceof RDFDocumentFormat) {
            Optional<OWLOntologyLoaderMetaData> meta = ((RDFDocumentFormat) format).getOntologyLoaderMetaData();
            for (RDFTriple t : meta.map(m -> m.getUnparsedTriples().collect(Collectors.toList())).orElse(List.of())) {
                System.out.println("unparsed\t" + t.toString().replace('\n', ' '));
                unparsed++;
            }
        }
        System.out.println("done " + violations + " violations " + unparsed + " unparsed");
    }
}
