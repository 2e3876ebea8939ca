/** The demo command line ({@code java -jar target/minihttp.jar}) and its routes; an application, not API. */
package minihttp.app;
