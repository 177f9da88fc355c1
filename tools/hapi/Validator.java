// Validates FHIR R4 JSON files with the HAPI FHIR instance validator, offline.
//
//   java -cp 'lib/*' Validator.java [--definitions DIR] FILE...
//
// The chain needs no network: HAPI's own R4 definitions (DefaultProfileValidationSupport),
// in-memory terminology for the value sets it ships, the common code systems (languages,
// UCUM, ...), snapshots generated for our differential-only StructureDefinitions, and the
// StructureDefinitions found in DIR (our extensions) in a PrePopulatedValidationSupport.
// Extensions are strict: one without a loaded definition is an error.
//
// Prints one JSON line per message and one summary line per file:
//   {"file": "...", "severity": "error", "location": "...", "message": "..."}
//   {"file": "...", "errors": 0, "warnings": 2}
// Exit status: 0 when every file parsed (whatever it found), 2 on bad arguments.

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CachingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.StructureDefinition;

public class Validator {
    static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }

    public static void main(String[] args) throws Exception {
        Path definitions = null;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--definitions") && i + 1 < args.length) {
                definitions = Path.of(args[++i]);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: Validator.java [--definitions DIR] FILE...");
            System.exit(2);
        }
        FhirContext ctx = FhirContext.forR4();
        PrePopulatedValidationSupport own = new PrePopulatedValidationSupport(ctx);
        if (definitions != null) {
            try (Stream<Path> found = Files.list(definitions)) {
                for (Path p : found.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    String text = Files.readString(p, StandardCharsets.UTF_8);
                    own.addStructureDefinition(
                            ctx.newJsonParser().parseResource(StructureDefinition.class, text));
                }
            }
        }
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(ctx),
                new SnapshotGeneratingValidationSupport(ctx),
                own,
                new InMemoryTerminologyServerValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx));
        FhirInstanceValidator instance = new FhirInstanceValidator(new CachingValidationSupport(chain));
        instance.setAnyExtensionsAllowed(false);
        FhirValidator validator = ctx.newValidator().registerValidatorModule(instance);
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            ValidationResult result = validator.validateWithResult(text);
            int errors = 0;
            int warnings = 0;
            for (SingleValidationMessage m : result.getMessages()) {
                ResultSeverityEnum severity = m.getSeverity();
                if (severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL) {
                    errors++;
                } else if (severity == ResultSeverityEnum.WARNING) {
                    warnings++;
                }
                System.out.println("{\"file\": " + json(file.toString())
                        + ", \"severity\": " + json(severity.getCode())
                        + ", \"location\": " + json(String.valueOf(m.getLocationString()))
                        + ", \"message\": " + json(String.valueOf(m.getMessage())) + "}");
            }
            System.out.println("{\"file\": " + json(file.toString()) + ", \"errors\": " + errors
                    + ", \"warnings\": " + warnings + "}");
        }
    }
}
