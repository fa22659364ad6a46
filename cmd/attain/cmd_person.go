package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (m *Main) personCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "person", Short: "Personal data: export everything about a person, pseudonymise one who has left"}
	var out string
	export := &cobra.Command{
		Use:   "export EMPLOYEE -o FILE",
		Short: "Write everything held about a person (records, targets, statements, inquiries, audit entries) to one JSON file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			f, err := m.App.PersonalDataFile(cmd.Context(), who, args[0])
			if err != nil {
				return err
			}
			if out == "" {
				out = f.Name
			}
			if err := writeFile(out, f.Save); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Wrote the personal data of %s to %s.\n", args[0], out)
			return nil
		},
	}
	export.Flags().StringVarP(&out, "output", "o", "", "file to write (default personal-data-EMPLOYEE.json)")
	pseudo := &cobra.Command{
		Use:   "pseudonymise EMPLOYEE",
		Short: "Erase what identifies a person who has left (after the policy's retention period); their numbers stay",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			alias, err := m.App.Pseudonymise(cmd.Context(), who, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%s is now %q: name, e-mail, pay and leave erased, sign-in ended; their numbers stay.\n", args[0], alias)
			return nil
		},
	}
	cmd.AddCommand(export, pseudo)
	return cmd
}
